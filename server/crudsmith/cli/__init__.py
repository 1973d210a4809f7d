"""Command-line shell: translates arguments and files to core calls, and back."""
