// LabStatisticsTests: tests arrive with the module.
