"""The ``posture-check`` command line: :mod:`.main` dispatches, one module per subcommand
(``add_arguments(parser)``, ``run(args) -> int``)."""
