# found through the "" entry of sys.path (the current directory)
WHERE = "cwd"
