// LabStudiesTests: tests arrive with the module.
