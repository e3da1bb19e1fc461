package dev.monmux.tls;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;

/** Who is at the other end of a TLS connection, from its verified client certificate. */
public final class TlsPeer {
    private TlsPeer() {}

    /**
     * The common name (CN) of the client certificate the connection verified against the
     * listener's {@code clientCa}; empty without TLS or without a client certificate.
     */
    public static Optional<String> commonName(Channel ch) {
        SslHandler ssl = ch.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return Optional.empty();
        }
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate x)) {
                return Optional.empty();
            }
            return commonName(x.getSubjectX500Principal().getName());
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
    }

    /** The CN of an RFC 2253 distinguished name, e.g. {@code CN=alice,O=Example} gives {@code alice}. */
    static Optional<String> commonName(String dn) {
        try {
            for (Rdn rdn : new LdapName(dn).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return Optional.of(rdn.getValue().toString());
                }
            }
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
