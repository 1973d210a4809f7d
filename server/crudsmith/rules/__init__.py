"""Convention rules (CSM codes): source -> findings with optional fixes. Knows nothing of LSP."""
