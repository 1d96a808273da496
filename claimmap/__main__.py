from claimmap.cli import main

main()
