package rules

// vclExamples holds, per rule ID, the vcl example shown in the rule's
// documentation after the nginx one.
var vclExamples = map[string]Example{}
