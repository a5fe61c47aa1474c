// LabPlotTests: tests arrive with the module.
