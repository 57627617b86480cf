"""python -m bot {run,chat,check,ask,eval}: see `python -m bot --help`."""

from bot.cli.main import main

raise SystemExit(main())
