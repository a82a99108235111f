package model

// Role is what a scope does in request processing, whatever the dialect
// calls it, so that host selection and route precedence are decided the
// same way for every dialect.
type Role uint8

// Scope roles.
const (
	// RoleOther is a scope that selects nothing by itself (a VCL sub, a
	// gateway response template).
	RoleOther Role = iota
	// RoleFile is a file's top level (nginx main and http, Apache's main
	// server configuration, a VCL program).
	RoleFile
	// RoleServer is a virtual server, chosen by the request's Host and
	// port (nginx server, Apache <VirtualHost>).
	RoleServer
	// RoleEndpoint is a resource with a URL of its own that the
	// configuration does not name (an API Gateway API, a Lambda URL, an
	// S3 bucket).
	RoleEndpoint
	// RoleRoute is chosen by the request path (nginx location, Apache
	// <Location> and ProxyPass, an API Gateway path).
	RoleRoute
	// RoleSection applies when the request maps to a file it covers
	// (Apache <Directory>, .htaccess, <Files>); its Match, when set, is
	// the URL path that maps there.
	RoleSection
	// RoleCondition is chosen by a condition on the request (nginx if,
	// Apache <If>, a VCL if).
	RoleCondition
)

func (r Role) String() string {
	return [...]string{"other", "file", "server", "endpoint", "route", "section", "condition"}[r]
}
