"""The Argdown grammar, installed as the package ``argmap.grammar`` so the wheel carries it."""
