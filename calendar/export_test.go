package calendar

// GoogleLikeExport lets the external benchmarks (package calendar_test)
// use the generator.
var GoogleLikeExport = googleLikeExport
