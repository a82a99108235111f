package rules

// samExamples holds, per rule ID, the sam example shown in the rule's
// documentation after the nginx one.
var samExamples = map[string]Example{}
