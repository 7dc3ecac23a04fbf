-- The opening of a tenant transaction (see tenantOpening in src/store.ts) as two PL/pgSQL
-- functions. The opening used to send its statements with the ids as literals, so PostgreSQL
-- parsed and planned them on every request: the caller's read (the user under row-level
-- security, their roles and their session's liveness: four tables, three subqueries) cost about
-- 0.5 ms of backend CPU in planning alone. PL/pgSQL keeps each statement's plan for the life of
-- the connection; the opening's own statements are now calls of these functions, cheap to plan.
-- Both are SECURITY INVOKER (the default): they run with the caller's rights, so the caller's
-- read runs as the application role the opening switched to, under row-level security.

-- Pins app.tenant_id for the rest of the transaction (set_config(..., true): transaction-local)
-- and reads that tenant: as the connecting user, before the opening drops to epca_app.
CREATE FUNCTION epca_enter_tenant(p_tenant text) RETURNS SETOF tenants
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant, true);
  RETURN QUERY SELECT * FROM tenants t WHERE t.id = p_tenant;
END
$$;

-- The caller of a unit of work: the user, the custom role ids granted (in order), whether the
-- session family p_family is live (true without one), and the granted roles as rows of roles
-- (JSON, in id order). Exactly what users.findWithSession / findById and roles.findByIds read.
CREATE FUNCTION epca_actor(p_user bigint, p_family text)
RETURNS TABLE (actor_user users, actor_role_ids bigint[], actor_session_active boolean, actor_roles json)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN QUERY
  SELECT u,
         ARRAY(SELECT ur.role_id FROM user_roles ur WHERE ur.user_id = u.id ORDER BY ur.role_id),
         CASE WHEN p_family IS NULL THEN true
              ELSE EXISTS (SELECT 1 FROM refresh_tokens rt WHERE rt.family_id = p_family AND rt.user_id = u.id AND rt.revoked_at IS NULL) END,
         (SELECT COALESCE(json_agg(r ORDER BY r.id), '[]'::json) FROM roles r WHERE r.id IN (SELECT ur.role_id FROM user_roles ur WHERE ur.user_id = u.id))
    FROM users u
   WHERE u.id = p_user;
END
$$;
