package dev.promptline.api.testing;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Base of API tests: the service over HTTP on its own database, and a fresh organization {@code acme} per test. */
public abstract class AuthenticatedApi extends IsolatedDatabase {
    @LocalServerPort
    protected int port;

    @Autowired
    protected JdbcClient jdbc;

    protected Http http;
    protected Tenants tenants;
    protected Tenants.Tenant acme;

    @BeforeEach
    void connectAsAcme() {
        http = new Http(port);
        tenants = new Tenants(jdbc);
        acme = tenants.create("acme");
    }
}
