"""``python -m posture_check`` runs the command line."""

import sys

from posture_check.cli.main import main

sys.exit(main())
