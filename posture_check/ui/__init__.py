"""The Streamlit pages and panels, thin over the library; only ``app.py`` imports them."""
