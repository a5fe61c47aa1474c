// HpolabCLITests: tests arrive with the module.
