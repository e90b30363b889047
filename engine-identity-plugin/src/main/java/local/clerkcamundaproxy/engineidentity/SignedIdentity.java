package local.clerkcamundaproxy.engineidentity;

import java.util.List;

/**
 * The user a verified header names: the Clerk user id, the candidate groups the proxy authorizes
 * with, and the tenants (Clerk organisations) the user reaches; {@code allTenants} for a user the
 * proxy lets reach every organisation (a platform operator, or TENANCY=off).
 */
public record SignedIdentity(String userId, List<String> groups, List<String> tenants, boolean allTenants) {
  /** The header's name. The proxy strips it from every client request and sets its own. */
  public static final String HEADER = "X-Engine-Identity";
}
