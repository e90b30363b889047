package local.clerkcamundaproxy.engineidentity;

import java.util.function.Function;

/**
 * What the plugin needs: the secret it shares with the proxy, how long a signed header stays valid,
 * and how many nonces it remembers at most. Read from the filter's init-params, else from system
 * properties, else from the environment; a missing or short secret stops engine-rest from starting,
 * so the plugin never quietly runs without its check.
 */
public record IdentitySettings(String secret, long validityMs, int maxNonces) {
  /** The proxy refuses a shorter ENGINE_IDENTITY_SECRET too. */
  public static final int MIN_SECRET_LENGTH = 32;
  public static final long DEFAULT_VALIDITY_MS = 30_000;
  public static final int DEFAULT_MAX_NONCES = 100_000;

  public IdentitySettings {
    if (secret == null || secret.isBlank()) {
      throw new IllegalArgumentException("ENGINE_IDENTITY_SECRET (init-param identity-secret) is not set");
    }
    if (secret.length() < MIN_SECRET_LENGTH) {
      throw new IllegalArgumentException("ENGINE_IDENTITY_SECRET must be at least " + MIN_SECRET_LENGTH + " characters");
    }
    if (validityMs < 1_000 || validityMs > 300_000) {
      throw new IllegalArgumentException("ENGINE_IDENTITY_VALIDITY must be between 1 and 300 seconds");
    }
    if (maxNonces < 1) {
      throw new IllegalArgumentException("ENGINE_IDENTITY_MAX_NONCES must be at least 1");
    }
  }

  /** Settings from the process environment and system properties only (the stock filter's way). */
  public static IdentitySettings fromEnvironment() {
    return from(name -> null);
  }

  /** Settings from named parameters (e.g. a filter's init-params), falling back to the environment. */
  public static IdentitySettings from(Function<String, String> parameters) {
    String secret = setting(parameters, "identity-secret", "engine.identity.secret", "ENGINE_IDENTITY_SECRET");
    String validity = setting(parameters, "identity-validity-seconds", "engine.identity.validity-seconds", "ENGINE_IDENTITY_VALIDITY");
    String maxNonces = setting(parameters, "identity-max-nonces", "engine.identity.max-nonces", "ENGINE_IDENTITY_MAX_NONCES");
    return new IdentitySettings(
        secret,
        validity == null ? DEFAULT_VALIDITY_MS : Math.round(number(validity, "ENGINE_IDENTITY_VALIDITY") * 1000),
        maxNonces == null ? DEFAULT_MAX_NONCES : (int) number(maxNonces, "ENGINE_IDENTITY_MAX_NONCES"));
  }

  private static String setting(Function<String, String> parameters, String parameter, String property, String variable) {
    for (String value : new String[] {parameters.apply(parameter), System.getProperty(property), System.getenv(variable)}) {
      if (value != null && !value.isBlank()) {
        return value.trim();
      }
    }
    return null;
  }

  private static double number(String value, String name) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number");
    }
  }

  /** Never prints the secret. */
  @Override
  public String toString() {
    return "IdentitySettings[validityMs=" + validityMs + ", maxNonces=" + maxNonces + "]";
  }
}
