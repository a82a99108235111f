package benchgen

func (g *gen) apacheMain(size int) []byte {
	s := g.svc
	g.f("# Apache httpd for %s\nServerRoot \".\"\nListen 443\nServerAdmin ops@%s\n\n", s.name, s.domain)
	for _, m := range []string{"headers", "rewrite", "proxy", "proxy_http", "setenvif", "ssl", "expires", "remoteip"} {
		g.f("LoadModule %s_module /usr/lib/apache2/modules/mod_%s.so\n", m, m)
	}
	g.f("\nServerTokens Prod\nServerSignature Off\nTimeout %d\nKeepAlive On\nMaxKeepAliveRequests 100\n\n", 30+g.r.IntN(90))
	g.f("<Directory />\n    Options FollowSymLinks\n    AllowOverride None\n    Require all denied\n</Directory>\n\n")
	g.f("<Directory /srv/%s/public>\n    Options -Indexes\n    AllowOverride FileInfo\n    Require all granted\n</Directory>\n\n", s.name)
	g.f("LogFormat \"%%h %%l %%u %%t \\\"%%r\\\" %%>s %%O \\\"%%{Referer}i\\\" \\\"%%{User-Agent}i\\\"\" combined\n")
	g.f("ErrorLog /var/log/apache2/error.log\nLogLevel warn\n\n")
	for i := 0; g.b.Len() < size-200; i++ {
		g.f("<IfModule mod_expires.c>\n    ExpiresActive On\n    ExpiresByType image/png \"access plus %d days\"\n    ExpiresByType text/css \"access plus %d days\"\n</IfModule>\n\n", 1+g.r.IntN(60), 1+g.r.IntN(60))
		g.f("<FilesMatch \"\\.(?:bak|sql|log|sh)$\">\n    Require all denied\n</FilesMatch>\n\n")
		g.f("Alias /docs-%d /srv/%s/docs/%d\n\n", i, s.name, i)
	}
	g.f("IncludeOptional sites-enabled/*.conf\n")
	return g.b.Bytes()
}

func (g *gen) apacheSite(size int) []byte {
	s := g.svc
	g.f("# Virtual hosts of %s\n", s.name)
	for i := 0; g.b.Len() < size-200 || i == 0; i++ {
		g.f("<VirtualHost *:443>\n    ServerName %s\n    ServerAlias %s\n", s.host(g.pick(nouns)), s.host(g.pick(envs)))
		g.f("    DocumentRoot /srv/%s/public\n    SSLEngine on\n    SSLCertificateFile /etc/ssl/%s.pem\n\n", s.name, s.name)
		for j := 0; j < 1+g.r.IntN(4); j++ {
			g.apacheLocation(j)
		}
		g.f("    ErrorLog ${APACHE_LOG_DIR}/%s-error.log\n    CustomLog ${APACHE_LOG_DIR}/%s-access.log combined\n</VirtualHost>\n\n", s.name, s.name)
	}
	return g.b.Bytes()
}

func (g *gen) apacheLocation(j int) {
	s := g.svc
	backend := "http://" + g.pick(nouns) + "." + g.pick(envs) + ".internal:" + itoa(8000+g.r.IntN(1000))
	switch weighted(g.r.IntN(100), 30, 4, 20, 20) {
	case 0: // an allowlist with SetEnvIf and both tables set right
		g.f("    <Location /api/v%d>\n", j+1)
		g.f("        SetEnvIf Origin \"^https://(%s)\\.%s$\" CORS_ORIGIN=$0\n", joinBar(s.clients), escapeDots(s.domain))
		g.f("        Header always set Access-Control-Allow-Origin \"%%{CORS_ORIGIN}e\" env=CORS_ORIGIN\n")
		g.f("        Header always set Access-Control-Allow-Credentials \"true\" env=CORS_ORIGIN\n")
		g.f("        Header always merge Vary Origin\n")
		g.f("        RewriteEngine On\n        RewriteCond %%{REQUEST_METHOD} OPTIONS\n        RewriteRule ^ - [R=204,L]\n")
		g.f("        Header always set Access-Control-Allow-Methods \"GET, POST, PUT, DELETE\"\n")
		g.f("        Header always set Access-Control-Allow-Headers \"Content-Type, Authorization\"\n")
		g.f("        ProxyPass %s/v%d\n        ProxyPassReverse %s/v%d\n    </Location>\n\n", backend, j+1, backend, j+1)
	case 1: // the origin reflected for everyone
		g.f("    <Location /public-api%d>\n", j)
		g.f("        Header set Access-Control-Allow-Origin \"%%{HTTP_ORIGIN}e\" env=HTTP_ORIGIN\n")
		g.f("        SetEnvIf Origin \"(.+)\" HTTP_ORIGIN=$1\n")
		g.f("        Header set Access-Control-Allow-Credentials true\n")
		g.f("        ProxyPass %s/\n    </Location>\n\n", backend)
	case 2: // fonts
		g.f("    <FilesMatch \"\\.(eot|otf|tt[cf]|woff2?)$\">\n        Header set Access-Control-Allow-Origin \"*\"\n    </FilesMatch>\n\n")
	case 3:
		g.f("    <Directory /srv/%s/public/uploads>\n        Options -ExecCGI\n        AllowOverride None\n", s.name)
		g.f("        Header set Cache-Control \"max-age=%d\"\n        Require all granted\n    </Directory>\n\n", 60*(1+g.r.IntN(1000)))
	default:
		g.f("    RewriteEngine On\n    RewriteCond %%{HTTPS} !=on\n    RewriteRule ^/?(.*) https://%%{SERVER_NAME}/$1 [R=301,L]\n")
		g.f("    ProxyPreserveHost On\n    ProxyPass /internal-%d/ %s/\n\n", j, backend)
	}
}

func (g *gen) htaccess(size int) []byte {
	g.f("# Served from %s\nOptions -MultiViews\n\n", g.svc.name)
	g.f("<IfModule mod_headers.c>\n    <FilesMatch \"\\.(eot|otf|tt[cf]|woff2?|svg)$\">\n        Header set Access-Control-Allow-Origin \"*\"\n    </FilesMatch>\n</IfModule>\n\n")
	for i := 0; g.b.Len() < size-100; i++ {
		g.f("<IfModule mod_rewrite.c>\n    RewriteEngine On\n    RewriteCond %%{REQUEST_FILENAME} !-f\n    RewriteRule ^page-%d/(.*)$ index.php?p=$1 [L,QSA]\n</IfModule>\n\n", i)
	}
	return g.b.Bytes()
}
