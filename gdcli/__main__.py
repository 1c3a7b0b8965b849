from gdcli.cli import main

main()
