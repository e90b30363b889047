package local.clerkcamundaproxy.engineidentity;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.impl.cfg.multitenancy.TenantIdProvider;
import org.camunda.bpm.engine.impl.cfg.multitenancy.TenantIdProviderCaseInstanceContext;
import org.camunda.bpm.engine.impl.cfg.multitenancy.TenantIdProviderHistoricDecisionInstanceContext;
import org.camunda.bpm.engine.impl.cfg.multitenancy.TenantIdProviderProcessInstanceContext;
import org.camunda.bpm.engine.variable.VariableMap;

/**
 * Gives every instance of a shared definition (one deployed without a tenant) its organisation as
 * tenant id, so the engine records an instance's organisation in its own indexed TENANT_ID_ columns
 * (the instance's, and from it its tasks', jobs', variables' and history's), and the proxy can find
 * an organisation's work with {@code tenantIdIn} alone (INSTANCE_ORG=tenant).
 *
 * <p>The organisation is the {@code initiatorOrgId} variable the proxy stamps on every start inside an
 * organisation (clients can never set it: the proxy refuses reserved names). An instance started by
 * a call activity or by a DMN evaluation inside an instance takes its parent's tenant. An instance
 * started without the stamp (outside the proxy, or by a personal session) keeps no tenant, as before.
 * Definitions deployed with a tenant are not asked about: the engine gives their instances that tenant.
 */
public class OrganisationTenants implements TenantIdProvider {
  /** The variable the proxy stamps with the starter's active organisation (src/authz/boundary.ts ORG_STAMP). */
  public static final String ORG_STAMP = "initiatorOrgId";

  @Override
  public String provideTenantIdForProcessInstance(TenantIdProviderProcessInstanceContext context) {
    return parentsOrStamped(context.getSuperExecution(), context.getVariables());
  }

  @Override
  public String provideTenantIdForCaseInstance(TenantIdProviderCaseInstanceContext context) {
    return parentsOrStamped(context.getSuperExecution(), context.getVariables());
  }

  @Override
  public String provideTenantIdForHistoricDecisionInstance(TenantIdProviderHistoricDecisionInstanceContext context) {
    DelegateExecution execution = context.getExecution();
    return execution == null ? null : execution.getTenantId();
  }

  /** Started by a call activity: its parent's tenant; else the stamped organisation, if any. */
  private static String parentsOrStamped(DelegateExecution parent, VariableMap variables) {
    if (parent != null) {
      return parent.getTenantId();
    }
    return organisationOf(variables == null ? null : variables.get(ORG_STAMP));
  }

  /** A non-blank string is an organisation id; anything else is no tenant. */
  static String organisationOf(Object stamp) {
    if (!(stamp instanceof String value)) {
      return null;
    }
    String trimmed = value.trim();
    return trimmed.isEmpty() ? null : trimmed;
  }
}
