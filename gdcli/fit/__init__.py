"""Fitting models to data by gradient descent: CSV data sets and standardisation (data), linear and logistic
models with their losses and exact references (models), and batch, mini-batch and stochastic training
(train).

It imports gdcli.engine, gdcli.files and gdcli.errors, and none of its siblings.
"""
