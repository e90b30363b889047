package local.testengine;

import local.clerkcamundaproxy.engineidentity.OrganisationTenantsPlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEnginePlugin;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With {@code engine.organisation.tenants=true} (or ENGINE_ORGANISATION_TENANTS=true) every instance
 * of a shared definition started with the proxy's {@code initiatorOrgId} stamp gets that organisation
 * as its tenant id (the engine plugin's OrganisationTenants), for a proxy with INSTANCE_ORG=tenant.
 * The Spring Boot starter installs every ProcessEnginePlugin bean.
 */
@Configuration
public class OrganisationTenantsConfig {
  @Bean
  @ConditionalOnProperty(name = "engine.organisation.tenants", havingValue = "true")
  static ProcessEnginePlugin organisationTenants() {
    return new OrganisationTenantsPlugin();
  }
}
