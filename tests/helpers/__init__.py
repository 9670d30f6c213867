"""Test helpers shared by the test modules (no test lives here; pytest puts tests/ on
sys.path, so tests import ``helpers.<module>``)."""
