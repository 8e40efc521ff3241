"""Verified, step-by-step worked solutions for neural-network backpropagation."""

__version__ = "0.1.0"
