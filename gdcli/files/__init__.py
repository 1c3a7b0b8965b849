"""Files as gd reads and writes them: strict JSON, CSV rows and atomic writes (formats), only regular files read
and never beyond a stated size (reading), and text from files made safe for a terminal (text).

It imports only gdcli.errors, so that every package may use it.
"""
