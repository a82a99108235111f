package benchgen

func (g *gen) nginxMain(size int) []byte {
	s := g.svc
	g.f("# nginx for %s (%s team)\nuser www-data;\nworker_processes auto;\npid /run/nginx.pid;\n\n", s.name, s.team)
	g.f("events {\n    worker_connections %d;\n    multi_accept on;\n}\n\nhttp {\n", 512<<g.r.IntN(4))
	g.f("    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n    sendfile on;\n    tcp_nopush on;\n")
	g.f("    keepalive_timeout %d;\n    server_tokens off;\n    client_max_body_size %dm;\n\n", 30+g.r.IntN(60), 1+g.r.IntN(50))
	g.f("    log_format main '$remote_addr - $remote_user [$time_local] \"$request\" '\n                    '$status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" $request_time';\n")
	g.f("    access_log /var/log/nginx/access.log main;\n    gzip on;\n    gzip_types text/plain application/json application/javascript text/css;\n\n")
	g.nginxMap("cors_origin")
	for i := 0; g.b.Len() < size-400; i++ {
		if i%3 == 2 {
			g.nginxMap("cors_origin_" + itoa(i))
			continue
		}
		g.f("    upstream %s_%d {\n", g.pick(nouns), i)
		for j := 0; j < 1+g.r.IntN(4); j++ {
			g.f("        server 10.%d.%d.%d:%d max_fails=3 fail_timeout=10s;\n", g.r.IntN(256), g.r.IntN(256), 1+g.r.IntN(254), 8000+g.r.IntN(1000))
		}
		g.f("        keepalive %d;\n    }\n\n", 8<<g.r.IntN(4))
	}
	g.f("    include conf.d/*.conf;\n}\n")
	return g.b.Bytes()
}

// nginxMap writes an origin allowlist map, sometimes with a regex that is
// too permissive (an unescaped dot, a missing anchor).
func (g *gen) nginxMap(name string) {
	g.f("    map $http_origin $%s {\n        default \"\";\n", name)
	for _, c := range g.svc.clients {
		switch {
		case g.chance(10):
			g.f("        \"~^https://%s.%s\" $http_origin;\n", c, g.svc.domain)
		case g.chance(30):
			g.f("        \"~^https://%s\\.%s$\" $http_origin;\n", c, escapeDots(g.svc.domain))
		default:
			g.f("        \"https://%s\" $http_origin;\n", g.svc.host(c))
		}
	}
	g.f("    }\n\n")
}

func (g *gen) nginxSite(size int) []byte {
	s := g.svc
	template := g.chance(15)
	g.f("# %s: virtual servers of %s\n", s.name, s.domain)
	for i := 0; g.b.Len() < size-200 || i == 0; i++ {
		g.nginxServer(i, template)
	}
	return g.b.Bytes()
}

func (g *gen) nginxServer(i int, template bool) {
	s := g.svc
	host := s.host(g.pick(nouns))
	if template {
		host = "${NGINX_HOST}"
	}
	g.f("server {\n    listen %d ssl;\n    listen [::]:%d ssl;\n    http2 on;\n    server_name %s;\n", 443, 443, host)
	g.f("    ssl_certificate /etc/ssl/%s/fullchain.pem;\n    ssl_certificate_key /etc/ssl/%s/privkey.pem;\n", s.name, s.name)
	g.f("    root /srv/%s/public;\n    index index.html;\n\n", s.name)
	if g.chance(8) {
		g.f("    include snippets/cors.conf;\n\n")
	}
	for j := 0; j < 2+g.r.IntN(5); j++ {
		g.nginxLocation(i, j)
	}
	g.f("}\n\n")
}

func (g *gen) nginxLocation(i, j int) {
	up := g.pick(nouns) + "_" + itoa(g.r.IntN(9))
	switch weighted(g.r.IntN(100), 30, 4, 15, 18, 10, 10) {
	case 0: // the correct API setup
		g.f("    location /api/v%d/ {\n", j+1)
		g.f("        if ($request_method = OPTIONS) {\n")
		g.f("            add_header Access-Control-Allow-Origin $cors_origin always;\n")
		g.f("            add_header Access-Control-Allow-Methods \"GET, POST, PUT, PATCH, DELETE\" always;\n")
		g.f("            add_header Access-Control-Allow-Headers \"Content-Type, Authorization, X-Request-ID\" always;\n")
		g.f("            add_header Access-Control-Allow-Credentials true always;\n")
		g.f("            add_header Access-Control-Max-Age %d always;\n", []int{600, 3600, 7200}[g.r.IntN(3)])
		g.f("            add_header Vary Origin always;\n            return 204;\n        }\n")
		g.f("        proxy_hide_header Access-Control-Allow-Origin;\n        proxy_hide_header Access-Control-Allow-Credentials;\n")
		g.f("        add_header Access-Control-Allow-Origin $cors_origin always;\n")
		g.f("        add_header Access-Control-Allow-Credentials true always;\n        add_header Vary Origin always;\n")
		g.f("        proxy_set_header Host $host;\n        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n")
		g.f("        proxy_pass http://%s;\n    }\n\n", up)
	case 1: // the article's mistake: the origin echoed with credentials
		g.f("    location /v%d/ {\n", j+1)
		g.f("        add_header 'Access-Control-Allow-Origin' '$http_origin' always;\n")
		g.f("        add_header 'Access-Control-Allow-Credentials' 'true' always;\n")
		g.f("        add_header 'Access-Control-Allow-Methods' 'GET, POST, OPTIONS' always;\n")
		g.f("        add_header 'Access-Control-Allow-Headers' 'DNT,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range' always;\n")
		g.f("        if ($request_method = 'OPTIONS') {\n            add_header 'Access-Control-Max-Age' 1728000;\n")
		g.f("            add_header 'Content-Type' 'text/plain; charset=utf-8';\n            add_header 'Content-Length' 0;\n            return 204;\n        }\n")
		g.f("        proxy_pass http://%s;\n    }\n\n", up)
	case 2: // fonts for any origin
		g.f("    location ~* \\.(?:eot|otf|ttf|woff2?)$ {\n        add_header Access-Control-Allow-Origin \"*\";\n        expires 30d;\n        access_log off;\n    }\n\n")
	case 3: // static files with cache headers
		g.f("    location /static/ {\n        alias /srv/%s/static/;\n        expires 7d;\n        add_header Cache-Control \"public, max-age=604800, immutable\";\n        try_files $uri =404;\n    }\n\n", g.svc.name)
	case 4: // an origin regex checked in if
		g.f("    location /graphql {\n        set $cors \"\";\n")
		g.f("        if ($http_origin ~* \"^https://(%s)\\.%s$\") {\n            set $cors $http_origin;\n        }\n", joinBar(g.svc.clients), escapeDots(g.svc.domain))
		g.f("        proxy_hide_header Access-Control-Allow-Origin;\n")
		g.f("        add_header Access-Control-Allow-Origin $cors always;\n        add_header Vary Origin always;\n")
		g.f("        proxy_http_version 1.1;\n        proxy_pass http://%s;\n    }\n\n", up)
	case 5: // websocket upgrade, no CORS
		g.f("    location /ws {\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n")
		g.f("        proxy_set_header Connection \"upgrade\";\n        proxy_read_timeout %ds;\n        proxy_pass http://%s;\n    }\n\n", 60+g.r.IntN(3600), up)
	default: // health checks and redirects
		g.f("    location = /healthz {\n        access_log off;\n        return 200 \"ok\\n\";\n    }\n\n")
		g.f("    location /old-%d/ {\n        rewrite ^/old-%d/(.*)$ /api/v1/$1 permanent;\n    }\n\n", i*10+j, i*10+j)
	}
}

func (g *gen) nginxSnippet() []byte {
	g.f("# CORS headers shared by the servers of %s\n", g.svc.name)
	g.f("add_header Access-Control-Allow-Origin $cors_origin always;\n")
	g.f("add_header Access-Control-Allow-Credentials true always;\n")
	g.f("add_header Access-Control-Expose-Headers \"Content-Length, X-Request-ID\" always;\n")
	g.f("add_header Vary Origin always;\n")
	return g.b.Bytes()
}
