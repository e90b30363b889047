package local.clerkcamundaproxy.engineidentity;

import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import org.camunda.bpm.engine.rest.security.auth.ProcessEngineAuthenticationFilter;

/**
 * engine-rest's authentication filter with {@link SignedIdentityAuthenticationProvider}, configured
 * from init-params ({@code identity-secret}, {@code identity-validity-seconds},
 * {@code identity-max-nonces}; each falls back to the environment). The stock filter creates its
 * provider with no arguments and passes it nothing, hence this class.
 */
public class SignedIdentityAuthenticationFilter extends ProcessEngineAuthenticationFilter {
  @Override
  public void init(FilterConfig filterConfig) throws ServletException {
    try {
      authenticationProvider = new SignedIdentityAuthenticationProvider(IdentitySettings.from(filterConfig::getInitParameter));
    } catch (IllegalArgumentException e) {
      throw new ServletException("engine identity plugin: " + e.getMessage());
    }
    servletPathPrefix = filterConfig.getInitParameter(SERVLET_PATH_PREFIX);
  }
}
