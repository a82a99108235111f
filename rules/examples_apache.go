package rules

// apacheExamples holds, per rule ID, the apache example shown in the rule's
// documentation after the nginx one.
var apacheExamples = map[string]Example{}
