package dev.monmux.tls;

import io.netty.util.NetUtil;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A small PKI for monmux's TLS listeners ({@code monmux tls init}): a CA, a server certificate for
 * the given host names and IP addresses, and client certificates whose CN is a user's name, as PEM
 * files {@link ServerTls} reads (certificates; unencrypted PKCS#8 keys).
 *
 * <p>Bouncy Castle builds the certificates: the JDK verifies X.509 but has no public API to
 * issue one. Keys, signatures and parsing stay the JDK's (no security provider is registered).
 * Keys are EC P-256 (every TLS 1.2 and 1.3 client takes them, and they are small and fast).
 */
public final class TlsInit {
    /** The CA's validity: long, because replacing it means handing every client a new one. */
    public static final Duration CA_VALIDITY = Duration.ofDays(3650);

    /** The server's and clients' validity unless told otherwise: about two years. */
    public static final Duration LEAF_VALIDITY = Duration.ofDays(730);

    public static final String CA_CERT = "ca.pem";
    public static final String CA_KEY = "ca-key.pem";
    public static final String SERVER_CERT = "server.pem";
    public static final String SERVER_KEY = "server-key.pem";

    // As config/UserConfig's login names: a client certificate's CN logs that user in.
    private static final Pattern CLIENT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    private static final Pattern DNS_LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    // Certificates start an hour back, so that a peer whose clock is a little behind accepts them.
    private static final Duration CLOCK_SKEW = Duration.ofHours(1);

    private final SecureRandom random = new SecureRandom();
    private final Instant now;

    private TlsInit(Instant now) {
        this.now = now;
    }

    /** One file written, and what it is for (a line of {@code tls init}'s output). */
    public record Written(Path file, String what) {}

    /**
     * The request: where, for which hosts and clients, how long the leaves last, and whether
     * existing files may be replaced.
     */
    public record Request(Path dir, List<String> hosts, List<String> clients, Duration validity, boolean force) {
        public Request {
            hosts = List.copyOf(hosts);
            clients = List.copyOf(clients);
            if (hosts.isEmpty()) {
                throw new IllegalArgumentException("give at least one --host (the name clients connect to)");
            }
            for (String h : hosts) {
                checkHost(h);
            }
            // Whose each file is: no client may write over the CA's, the server's or another client's
            // (--client ca-key would put a certificate where the CA's private key was).
            Map<String, String> owners = new HashMap<>(Map.of(
                    CA_CERT, "the CA's certificate",
                    CA_KEY, "the CA's private key",
                    SERVER_CERT, "the server's certificate",
                    SERVER_KEY, "the server's private key"));
            for (int i = 0; i < clients.size(); i++) {
                String c = clients.get(i);
                if (!CLIENT_NAME.matcher(c).matches()) {
                    throw new IllegalArgumentException("--client '" + c
                            + "' is no user name (1-64 letters, digits, '.', '_', '-' or '@', as users[].name)");
                }
                if (clients.subList(0, i).contains(c)) {
                    throw new IllegalArgumentException("--client '" + c + "' given twice");
                }
                for (String[] f : new String[][] {
                    {clientCert(c), "the certificate of --client '" + c + "'"},
                    {clientKey(c), "the private key of --client '" + c + "'"}
                }) {
                    String owner = owners.putIfAbsent(f[0], f[1]);
                    if (owner != null) {
                        throw new IllegalArgumentException("--client '" + c + "' would write " + f[0] + ", which is "
                                + owner + "; pick another name");
                    }
                }
            }
            if (validity.isNegative() || validity.isZero()) {
                throw new IllegalArgumentException("--days must be at least 1");
            }
        }

        /** Every file this request writes, CA first. */
        public List<Path> files() {
            List<Path> f = new ArrayList<>(List.of(
                    dir.resolve(CA_CERT), dir.resolve(CA_KEY), dir.resolve(SERVER_CERT), dir.resolve(SERVER_KEY)));
            for (String c : clients) {
                f.add(dir.resolve(clientCert(c)));
                f.add(dir.resolve(clientKey(c)));
            }
            return f;
        }
    }

    public static String clientCert(String name) {
        return name + ".pem";
    }

    public static String clientKey(String name) {
        return name + "-key.pem";
    }

    /**
     * Writes the files of {@code r}, or none of them when one exists and {@code r.force()} is
     * false ({@link FileAlreadyExistsException} names it). Private keys are created mode 0600.
     */
    public static List<Written> write(Request r) throws IOException {
        if (!r.force()) {
            for (Path p : r.files()) {
                if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    throw new FileAlreadyExistsException(p.toString());
                }
            }
        }
        if (Files.exists(r.dir()) && !Files.isDirectory(r.dir())) {
            throw new NotDirectoryException(r.dir().toString());
        }
        Files.createDirectories(r.dir());
        TlsInit pki = new TlsInit(Instant.now());
        try {
            return pki.issue(r);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            // Only a JDK without EC P-256 or SHA256withECDSA gets here.
            throw new IOException("cannot make a certificate: " + e.getMessage(), e);
        }
    }

    private List<Written> issue(Request r) throws IOException, GeneralSecurityException, OperatorCreationException {
        List<Written> out = new ArrayList<>();
        Date leafEnd = Date.from(now.plus(r.validity()));

        KeyPair caKey = keyPair();
        X500Principal caName = new X500Principal("CN=monmux CA " + r.hosts().get(0));
        // Never shorter than what it signs (--days 36500): a certificate past its CA's end is not trusted.
        Duration caValidity = r.validity().compareTo(CA_VALIDITY) > 0 ? r.validity() : CA_VALIDITY;
        X509v3CertificateBuilder ca = builder(caName, caName, Date.from(now.plus(caValidity)), caKey);
        ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        ca.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        X509Certificate caCert = sign(ca, caKey.getPrivate());
        out.add(writeCert(
                r.dir().resolve(CA_CERT),
                caCert,
                "the CA's certificate: clients trust it, clientCa trusts the clients"));
        out.add(writeKey(
                r.dir().resolve(CA_KEY),
                caKey.getPrivate(),
                "the CA's private key: monmux never reads it; keep it safe, it signs certificates"));

        KeyPair serverKey = keyPair();
        X509v3CertificateBuilder server =
                leaf(caCert, caKey, new X500Principal("CN=" + r.hosts().get(0)), leafEnd, serverKey);
        server.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        List<GeneralName> names = new ArrayList<>();
        for (String h : r.hosts()) {
            String ip = ipLiteral(h);
            names.add(
                    ip != null
                            ? new GeneralName(
                                    GeneralName.iPAddress,
                                    new DEROctetString(NetUtil.createByteArrayFromIpAddressString(ip)))
                            : new GeneralName(GeneralName.dNSName, h));
        }
        server.addExtension(
                Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(new GeneralName[0])));
        out.add(writeCert(
                r.dir().resolve(SERVER_CERT),
                sign(server, caKey.getPrivate()),
                "the server's certificate for " + String.join(", ", r.hosts())));
        out.add(writeKey(r.dir().resolve(SERVER_KEY), serverKey.getPrivate(), "its private key"));

        for (String c : r.clients()) {
            KeyPair clientKey = keyPair();
            X509v3CertificateBuilder client = leaf(caCert, caKey, new X500Principal("CN=" + c), leafEnd, clientKey);
            client.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            out.add(writeCert(
                    r.dir().resolve(clientCert(c)),
                    sign(client, caKey.getPrivate()),
                    "a client certificate, CN=" + c + " (logs in user '" + c + "')"));
            out.add(writeKey(r.dir().resolve(clientKey(c)), clientKey.getPrivate(), "its private key"));
        }
        return out;
    }

    private X509v3CertificateBuilder leaf(
            X509Certificate caCert, KeyPair caKey, X500Principal subject, Date end, KeyPair key)
            throws CertIOException, GeneralSecurityException {
        X509v3CertificateBuilder b = builder(caCert.getSubjectX500Principal(), subject, end, key);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(
                Extension.authorityKeyIdentifier,
                false,
                new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(caKey.getPublic()));
        return b;
    }

    private X509v3CertificateBuilder builder(X500Principal issuer, X500Principal subject, Date end, KeyPair key)
            throws CertIOException, GeneralSecurityException {
        // RFC 5280 4.1.2.2: positive, at most 20 octets; random, so that no two are alike.
        BigInteger serial = new BigInteger(127, random).setBit(126);
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                issuer, serial, Date.from(now.minus(CLOCK_SKEW)), end, subject, key.getPublic());
        b.addExtension(
                Extension.subjectKeyIdentifier,
                false,
                new JcaX509ExtensionUtils().createSubjectKeyIdentifier(key.getPublic()));
        return b;
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey issuerKey)
            throws OperatorCreationException, GeneralSecurityException {
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey);
        return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    }

    private KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), random);
        return g.generateKeyPair();
    }

    private static Written writeCert(Path file, X509Certificate cert, String what)
            throws IOException, GeneralSecurityException {
        replace(file, pem("CERTIFICATE", cert.getEncoded()), "rw-r--r--");
        return new Written(
                file,
                what + ", until " + cert.getNotAfter().toInstant().toString().substring(0, 10));
    }

    private static Written writeKey(Path file, PrivateKey key, String what) throws IOException {
        // The JDK encodes private keys as PKCS#8: "BEGIN PRIVATE KEY", what ServerTls reads.
        replace(file, pem("PRIVATE KEY", key.getEncoded()), "rw-------");
        return new Written(file, what + " (mode 0600)");
    }

    private static byte[] pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return ("-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Writes a new file beside {@code file} with its mode set from the start, then renames it over
     * {@code file}: a key is never readable by others, not even for a moment, and a file that was
     * there is replaced whole or not at all.
     */
    private static void replace(Path file, byte[] content, String mode) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(
                dir,
                "." + file.getFileName(),
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(tmp, content);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(mode));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void checkHost(String host) {
        if (ipLiteral(host) != null) {
            return;
        }
        String name = host.startsWith("*.") ? host.substring(2) : host;
        String[] labels = name.split("\\.", -1);
        boolean ok = name.length() <= 253 && labels.length > 0;
        for (String l : labels) {
            ok &= DNS_LABEL.matcher(l).matches();
        }
        // A last label of digits only is an IPv4 address gone wrong (RFC 3696 2), not a name.
        if (!ok || labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("--host '" + host + "' is neither a DNS name nor an IP address");
        }
    }

    /** {@code host} as an IP address literal ({@code [::1]} as {@code ::1}), or null. */
    private static String ipLiteral(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        boolean ip = !h.contains("%") && (NetUtil.isValidIpV4Address(h) || NetUtil.isValidIpV6Address(h));
        return ip ? h.toLowerCase(Locale.ROOT) : null;
    }
}
