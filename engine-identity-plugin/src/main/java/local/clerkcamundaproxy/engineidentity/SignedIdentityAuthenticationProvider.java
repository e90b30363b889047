package local.clerkcamundaproxy.engineidentity;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.logging.Logger;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.authorization.Groups;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.rest.security.auth.AuthenticationProvider;
import org.camunda.bpm.engine.rest.security.auth.AuthenticationResult;
import org.camunda.bpm.engine.rest.security.auth.impl.HttpBasicAuthenticationProvider;

/**
 * HTTP Basic, as engine-rest does it, plus the proxy's signed identity header.
 *
 * <ul>
 *   <li>No header: exactly {@link HttpBasicAuthenticationProvider}.</li>
 *   <li>A header: valid BasicAuth is still required (a leaked secret alone does not open the
 *       engine), and then the header must verify ({@link IdentityVerifier}); the engine then acts
 *       as the header's user, with its groups and tenants. A header that fails is a 401, never a
 *       quiet fall-back to the BasicAuth user.</li>
 * </ul>
 *
 * <p>engine-rest's ProcessEngineAuthenticationFilter hands the result's groups and tenants to
 * {@code IdentityService.setAuthentication} as they are (it only looks them up in the engine's
 * identity service when they are null), so the Clerk user needs no engine account. The engine's
 * tenant check (on by default, and independent of authorization) then limits the user to their
 * tenants and to objects without a tenant, unless the user is a Camunda admin. So the engine's
 * admin groups are never taken from the header; a user the proxy lets reach every tenant gets
 * {@code camunda-admin}, which is what the BasicAuth user had for every call before.
 */
public class SignedIdentityAuthenticationProvider implements AuthenticationProvider {
  private static final Logger LOG = Logger.getLogger(SignedIdentityAuthenticationProvider.class.getName());

  private final HttpBasicAuthenticationProvider basic = new HttpBasicAuthenticationProvider();
  private final IdentityVerifier verifier;

  /** For the stock filter's {@code authentication-provider} init-param: settings from the environment. */
  public SignedIdentityAuthenticationProvider() {
    this(IdentitySettings.fromEnvironment());
  }

  public SignedIdentityAuthenticationProvider(IdentitySettings settings) {
    this.verifier = new IdentityVerifier(settings);
  }

  @Override
  public AuthenticationResult extractAuthenticatedUser(HttpServletRequest request, ProcessEngine engine) {
    AuthenticationResult basicResult = basic.extractAuthenticatedUser(request, engine);
    Enumeration<String> headers = request.getHeaders(SignedIdentity.HEADER);
    if (headers == null || !headers.hasMoreElements()) {
      return basicResult;
    }
    String header = headers.nextElement();
    if (headers.hasMoreElements()) {
      return refuse(request, "more than one " + SignedIdentity.HEADER + " header");
    }
    if (!basicResult.isAuthenticated()) {
      return refuse(request, "no valid BasicAuth with the identity header");
    }
    SignedIdentity identity;
    try {
      identity = verifier.verify(header, request.getMethod(), pathOf(request));
    } catch (IdentityVerifier.Refused refused) {
      return refuse(request, refused.getMessage());
    }
    AuthenticationResult result = AuthenticationResult.successful(identity.userId());
    result.setGroups(groupsFor(identity, engine));
    // Never null: the filter would look the Clerk user up in the engine's own identity service.
    result.setTenants(identity.tenants());
    return result;
  }

  @Override
  public void augmentResponseByAuthenticationChallenge(HttpServletResponse response, ProcessEngine engine) {
    basic.augmentResponseByAuthenticationChallenge(response, engine);
  }

  /** The path and query as the client sent them, undecoded, as the proxy signed them. */
  static String pathOf(HttpServletRequest request) {
    String query = request.getQueryString();
    return query == null || query.isEmpty() ? request.getRequestURI() : request.getRequestURI() + "?" + query;
  }

  private static List<String> groupsFor(SignedIdentity identity, ProcessEngine engine) {
    List<String> adminGroups = List.of(Groups.CAMUNDA_ADMIN);
    if (engine.getProcessEngineConfiguration() instanceof ProcessEngineConfigurationImpl configuration
        && configuration.getAdminGroups() != null) {
      adminGroups = configuration.getAdminGroups();
    }
    List<String> groups = new ArrayList<>(identity.groups());
    groups.removeAll(adminGroups);
    if (identity.allTenants()) {
      groups.add(Groups.CAMUNDA_ADMIN);
    }
    return groups;
  }

  private static AuthenticationResult refuse(HttpServletRequest request, String reason) {
    LOG.warning(() -> "engine identity refused for " + request.getMethod() + " " + request.getRequestURI() + ": " + reason);
    return AuthenticationResult.unsuccessful();
  }
}
