"""Lets `python -m crm_desktop` behave like the `crm-desktop` command."""

from crm_desktop.cli import main

raise SystemExit(main())
