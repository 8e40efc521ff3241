"""Numbers only: specs, seeded sampling, activation and loss registries, the forward and backward pass."""
