"""The engine: an objective parsed safely, its derivatives, the optimizer rules and the runs they make.

- expression (the safe parser), objective (f, ∇f, ∇²f and their generated code), functions (the catalog)
- optimizers (the update rules as SymPy equations), schedules, codegen, run (the generated loop), kernels
  (the same rules over NumPy arrays), checks (option bounds)
- stability (what the Hessian's eigenvalues say about α), notation (formulas and numbers written in
  Unicode), solution (``solve``: one run with its reading, as the library's users call it)

It imports only gdcli.files and gdcli.errors; everything else in gdcli builds on it.
"""
