package local.clerkcamundaproxy.engineidentity;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The one check of the identity header (the proxy's src/engine/engineIdentity.ts makes it):
 *
 * <pre>
 * X-Engine-Identity: v1.&lt;base64url(payload)&gt;.&lt;base64url(HMAC-SHA256(secret, message))&gt;
 * payload = userId \n groups \n tenants \n timestamp \n nonce
 * message = "v1" \n METHOD \n path?query \n payload
 * </pre>
 *
 * Each id is percent-encoded (so neither a comma nor a newline can appear in one), lists are joined
 * with commas, {@code tenants} is {@code *} for every tenant, the timestamp is milliseconds since
 * the epoch, and the nonce is 16 to 64 base64url characters. The method and the path (with the
 * query) are the request's own, never the header's, so a header moved to another request fails.
 */
public final class IdentityVerifier {
  private static final String VERSION = "v1";
  private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9_-]{16,64}");
  private static final Pattern TIMESTAMP = Pattern.compile("[0-9]{1,15}");

  /** Why a header was refused: for the engine's log, never containing the header or the secret. */
  public static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String reason) {
      super(reason, null, false, false);
    }
  }

  private final SecretKeySpec key;
  private final long validityMs;
  private final LongSupplier clock;
  private final NonceMemory nonces;

  public IdentityVerifier(IdentitySettings settings) {
    this(settings, System::currentTimeMillis);
  }

  IdentityVerifier(IdentitySettings settings, LongSupplier clock) {
    this.key = new SecretKeySpec(settings.secret().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.validityMs = settings.validityMs();
    this.clock = clock;
    this.nonces = new NonceMemory(settings.maxNonces());
  }

  public SignedIdentity verify(String header, String method, String path) throws Refused {
    String[] parts = header.trim().split("\\.", -1);
    if (parts.length != 3 || !VERSION.equals(parts[0])) {
      throw new Refused("malformed header");
    }
    byte[] payloadBytes;
    byte[] signature;
    try {
      payloadBytes = Base64.getUrlDecoder().decode(parts[1]);
      signature = Base64.getUrlDecoder().decode(parts[2]);
    } catch (IllegalArgumentException e) {
      throw new Refused("malformed header");
    }
    String payload = new String(payloadBytes, StandardCharsets.UTF_8);
    String message = VERSION + "\n" + method + "\n" + canonicalPath(path) + "\n" + payload;
    // Constant time, and before anything in the payload is believed.
    if (!MessageDigest.isEqual(hmac(message), signature)) {
      throw new Refused("signature does not match (another secret, or another method or path)");
    }
    String[] fields = payload.split("\n", -1);
    if (fields.length != 5 || fields[0].isEmpty() || !TIMESTAMP.matcher(fields[3]).matches() || !NONCE.matcher(fields[4]).matches()) {
      throw new Refused("malformed payload");
    }
    long timestamp = Long.parseLong(fields[3]);
    long now = clock.getAsLong();
    // Both ways: a proxy whose clock is a little ahead is as good as one a little behind.
    if (Math.abs(now - timestamp) > validityMs) {
      throw new Refused("stale: signed " + (now - timestamp) + " ms from now, valid for " + validityMs + " ms");
    }
    switch (nonces.remember(fields[4], timestamp + validityMs, now)) {
      case REPLAYED:
        throw new Refused("replayed: nonce already used");
      case FULL:
        throw new Refused("too many signed requests within the validity window (ENGINE_IDENTITY_MAX_NONCES)");
      default:
        break;
    }
    boolean allTenants = "*".equals(fields[2]);
    return new SignedIdentity(decode(fields[0]), list(fields[1]), allTenants ? List.of() : list(fields[2]), allTenants);
  }

  /** {@code /x?} and {@code /x} are one path: servlet containers differ on an empty query. */
  static String canonicalPath(String path) {
    return path.endsWith("?") ? path.substring(0, path.length() - 1) : path;
  }

  private byte[] hmac(String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  private static List<String> list(String field) throws Refused {
    List<String> items = new ArrayList<>();
    if (field.isEmpty()) {
      return items;
    }
    for (String item : field.split(",", -1)) {
      String decoded = decode(item);
      if (decoded.isEmpty()) {
        throw new Refused("malformed payload");
      }
      items.add(decoded);
    }
    return List.copyOf(items);
  }

  private static String decode(String item) throws Refused {
    try {
      return URLDecoder.decode(item, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new Refused("malformed payload");
    }
  }
}
