package local.clerkcamundaproxy.engineidentity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IdentityVerifierTest {
  private static final String SECRET = "identity-secret-for-tests-0123456789abcdef";
  private static final long SIGNED_AT = 1_767_225_600_000L;
  private static final String PATH = "/engine-rest/task/t-1/claim";
  /** Made by the proxy's createIdentitySigner (test/unit/engineIdentity.test.ts has the same vector). */
  private static final String FROM_THE_PROXY =
      "v1.dXNlcl8yYWxpY2UKbWFuYWdlcnMKb3JnX2FjbWUKMTc2NzIyNTYwMDAwMApibTl1WTJVdGJtOXVZMlV0Ym05dVkyVQ.jUmZIC4BTF__nwkzRn1-CnhJ45UeRtfGSEBVGetwY4U";

  private final AtomicLong now = new AtomicLong(SIGNED_AT + 1_000);

  private IdentityVerifier verifier(int maxNonces) {
    return new IdentityVerifier(new IdentitySettings(SECRET, 30_000, maxNonces), now::get);
  }

  private static String header(String secret, String method, String path, String... fields) throws Exception {
    String payload = String.join("\n", fields);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] signature = mac.doFinal(("v1\n" + method + "\n" + path + "\n" + payload).getBytes(StandardCharsets.UTF_8));
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return "v1." + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + b64.encodeToString(signature);
  }

  @Test
  void acceptsTheProxysHeaderOnce() throws Exception {
    IdentityVerifier verifier = verifier(10);
    SignedIdentity identity = verifier.verify(FROM_THE_PROXY, "POST", PATH);
    assertEquals(new SignedIdentity("user_2alice", List.of("managers"), List.of("org_acme"), false), identity);
    assertThrows(IdentityVerifier.Refused.class, () -> verifier.verify(FROM_THE_PROXY, "POST", PATH));
  }

  @Test
  void decodesEveryTenantAndEscapedIds() throws Exception {
    String all = header(SECRET, "GET", "/engine-rest/task", "a%0Ab", "x%2Cy,%2A", "*", String.valueOf(SIGNED_AT), "nonce-nonce-nonce-1");
    assertEquals(new SignedIdentity("a\nb", List.of("x,y", "*"), List.of(), true), verifier(10).verify(all, "GET", "/engine-rest/task"));
  }

  @ParameterizedTest(name = "refuses {0}")
  @CsvSource({
    "another method, GET, " + PATH,
    "another path, POST, /engine-rest/task/t-2/claim",
    "another query, POST, " + PATH + "?x=1",
  })
  void refusesTheHeaderOnAnotherRequest(String name, String method, String path) {
    assertThrows(IdentityVerifier.Refused.class, () -> verifier(10).verify(FROM_THE_PROXY, method, path));
  }

  @ParameterizedTest(name = "refuses a header signed {0} ms from now")
  @CsvSource({"-30001", "30001", "-600000"})
  void refusesStaleHeaders(long offset) throws Exception {
    now.set(SIGNED_AT - offset);
    assertThrows(IdentityVerifier.Refused.class, () -> verifier(10).verify(FROM_THE_PROXY, "POST", PATH));
  }

  @ParameterizedTest(name = "accepts a header signed {0} ms from now")
  @CsvSource({"-30000", "30000", "0"})
  void acceptsWithinTheWindow(long offset) throws Exception {
    now.set(SIGNED_AT - offset);
    verifier(10).verify(FROM_THE_PROXY, "POST", PATH);
  }

  @Test
  void refusesAnotherSecretAndEditedPayloads() throws Exception {
    String forged = header(SECRET + "-other", "POST", PATH, "user_2alice", "managers", "org_acme", String.valueOf(SIGNED_AT), "nonce-nonce-nonce-2");
    assertThrows(IdentityVerifier.Refused.class, () -> verifier(10).verify(forged, "POST", PATH));
    String[] parts = FROM_THE_PROXY.split("\\.");
    String edited = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
        ("user_2mallory\nmanagers\norg_acme\n" + SIGNED_AT + "\nbm9uY2Utbm9uY2Utbm9uY2U").getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    assertThrows(IdentityVerifier.Refused.class, () -> verifier(10).verify(edited, "POST", PATH));
  }

  @ParameterizedTest(name = "refuses the malformed header {0}")
  @CsvSource({"''", "v1", "v2.a.b", "v1.a.b.c", "v1.!!.??"})
  void refusesMalformedHeaders(String header) {
    assertThrows(IdentityVerifier.Refused.class, () -> verifier(10).verify(header, "POST", PATH));
  }

  @Test
  void refusesASignedPayloadWithoutNonceOrUser() throws Exception {
    String noNonce = header(SECRET, "GET", "/x", "u", "", "", String.valueOf(SIGNED_AT), "short");
    String noUser = header(SECRET, "GET", "/x", "", "", "", String.valueOf(SIGNED_AT), "nonce-nonce-nonce-3");
    assertThrows(IdentityVerifier.Refused.class, () -> verifier(10).verify(noNonce, "GET", "/x"));
    assertThrows(IdentityVerifier.Refused.class, () -> verifier(10).verify(noUser, "GET", "/x"));
  }

  @Test
  void memoryIsBoundedAndFailsClosed() throws Exception {
    IdentityVerifier verifier = verifier(2);
    for (int i = 0; i < 2; i++) {
      verifier.verify(header(SECRET, "GET", "/x", "u", "", "", String.valueOf(SIGNED_AT), "nonce-nonce-nonce-" + i), "GET", "/x");
    }
    String third = header(SECRET, "GET", "/x", "u", "", "", String.valueOf(SIGNED_AT), "nonce-nonce-nonce-9");
    assertThrows(IdentityVerifier.Refused.class, () -> verifier.verify(third, "GET", "/x"));
    // Once the first two could no longer be accepted anyway, their room is free again.
    now.set(SIGNED_AT + 30_001);
    String later = header(SECRET, "GET", "/x", "u", "", "", String.valueOf(SIGNED_AT + 30_001), "nonce-nonce-nonce-9");
    verifier.verify(later, "GET", "/x");
  }

  @Test
  void settingsRefuseAShortSecretAndNeverPrintIt() {
    assertThrows(IllegalArgumentException.class, () -> new IdentitySettings("too-short", 30_000, 10));
    assertEquals(false, new IdentitySettings(SECRET, 30_000, 10).toString().contains(SECRET));
  }
}
