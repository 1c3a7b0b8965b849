"""Files as gd writes them: strict JSON, CSV rows and atomic writes (formats).

It imports only gdcli.errors, so that every package may use it.
"""
