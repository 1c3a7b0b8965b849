from gdcli.cli import run

run()
