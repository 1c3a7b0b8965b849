"""The practice bank: the problem file format (problems), the expected answers computed by the engine
(answers), reading and grading a student's answer (grading), and the progress log (progress).

It imports gdcli.engine, gdcli.files and gdcli.errors, and none of its siblings.
"""
