"""The live webcam check: configuration, engine, guidance, overlay, set-up, routine driver,
spoken cues and the session recorder (plain Python, no Streamlit)."""
