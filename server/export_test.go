package server

// RoutePatterns lists the ServeMux patterns of s's endpoints, for tests.
func RoutePatterns(s *Server) []string {
	var out []string
	for _, rt := range s.routeTable() {
		out = append(out, rt.pattern)
	}
	return out
}
