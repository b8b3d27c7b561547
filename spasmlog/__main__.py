from spasmlog.cli import main

main()
