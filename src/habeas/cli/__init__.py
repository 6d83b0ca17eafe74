"""The command-line face: each command opens the store, makes one library call, prints."""
