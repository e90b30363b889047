package local.clerkcamundaproxy.engineidentity;

import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;

/**
 * A process engine plugin that installs {@link OrganisationTenants} as the engine's tenant id
 * provider. Spring Boot: declare it as a bean; bpm-platform.xml / Camunda Run: list its class under
 * {@code <plugins>}. An engine that already has a tenant id provider keeps it, and this plugin fails
 * the engine's start instead of replacing it silently.
 */
public class OrganisationTenantsPlugin extends AbstractProcessEnginePlugin {
  @Override
  public void preInit(ProcessEngineConfigurationImpl configuration) {
    if (configuration.getTenantIdProvider() != null && !(configuration.getTenantIdProvider() instanceof OrganisationTenants)) {
      throw new IllegalStateException(
          "the engine already has a tenant id provider (" + configuration.getTenantIdProvider().getClass().getName()
              + "); OrganisationTenantsPlugin would replace it");
    }
    configuration.setTenantIdProvider(new OrganisationTenants());
  }
}
