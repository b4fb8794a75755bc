class ContentSecurityPolicyMiddleware:
    """A strict CSP: everything comes from this server; no inline script.

    Inline *styles* are allowed because Chart.js and Cytoscape.js set style attributes on the
    elements they draw; scripts stay same-origin only.
    """

    POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
        "base-uri 'self'; form-action 'self'; object-src 'none'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.POLICY)
        return response
