package local.clerkcamundaproxy.engineidentity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.camunda.bpm.engine.impl.cfg.multitenancy.TenantIdProviderHistoricDecisionInstanceContext;
import org.camunda.bpm.engine.impl.cfg.multitenancy.TenantIdProviderProcessInstanceContext;
import org.camunda.bpm.engine.variable.Variables;
import org.junit.jupiter.api.Test;

/** The engine's own use is proved by test/contract/instanceOrgTenant.test.ts on a real engine of each kind. */
class OrganisationTenantsTest {
  private final OrganisationTenants tenants = new OrganisationTenants();

  private String forStart(Object stamp) {
    return tenants.provideTenantIdForProcessInstance(
        new TenantIdProviderProcessInstanceContext(null, Variables.createVariables().putValue(OrganisationTenants.ORG_STAMP, stamp)));
  }

  @Test
  void theStampedOrganisationIsTheTenant() {
    assertEquals("org_acme", forStart("org_acme"));
  }

  @Test
  void noStampNoTenant() {
    assertNull(tenants.provideTenantIdForProcessInstance(new TenantIdProviderProcessInstanceContext(null, Variables.createVariables())));
    assertNull(tenants.provideTenantIdForProcessInstance(new TenantIdProviderProcessInstanceContext(null, null)));
  }

  @Test
  void aBlankOrNonTextStampIsNoTenant() {
    assertNull(forStart(""));
    assertNull(forStart("   "));
    assertNull(forStart(42));
    assertNull(forStart(null));
  }

  @Test
  void aDecisionOutsideAnInstanceHasNoTenant() {
    assertNull(tenants.provideTenantIdForHistoricDecisionInstance(new TenantIdProviderHistoricDecisionInstanceContext(null)));
  }
}
