package local.testengine;

import jakarta.servlet.Filter;
import local.clerkcamundaproxy.engineidentity.SignedIdentityAuthenticationFilter;
import org.operaton.bpm.engine.rest.security.auth.ProcessEngineAuthenticationFilter;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * With {@code engine.identity.secret} (or ENGINE_IDENTITY_SECRET) set, /engine-rest/* authenticates
 * through the engine identity plugin: BasicAuth as before, plus the proxy's signed identity header.
 * Without it, BasicAuthConfig's filter stays exactly as it is.
 */
@Configuration
public class EngineIdentityConfig {
  @Bean
  static BeanPostProcessor engineIdentityFilter(Environment environment) {
    String secret = environment.getProperty("engine.identity.secret", "");
    return new BeanPostProcessor() {
      @Override
      @SuppressWarnings("unchecked")
      public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (!secret.isBlank()
            && bean instanceof FilterRegistrationBean<?> registration
            && registration.getFilter() instanceof ProcessEngineAuthenticationFilter) {
          ((FilterRegistrationBean<Filter>) registration).setFilter(new SignedIdentityAuthenticationFilter());
          registration.addInitParameter("identity-secret", secret);
        }
        return bean;
      }
    };
  }
}
