-- The shared task calendar, part 2: row-level security for the calendar's new tables. Same habits as
-- 20261127000200_consent_policies.sql: every policy is `to authenticated`, reads membership and grants
-- only through the `private` helpers of issue 3 wrapped as `(select ...)` (one initPlan per
-- statement), and filters first on an indexed column. Nothing here is writable directly: series,
-- offers and feeds change only through the RPCs of 20261127001200_calendar_rpcs.sql.
--
-- tasks and task_claims keep the policies of issue 3: the consent rule decides who sees a task, and
-- a claim is visible exactly when its task is.

------------------------------------------------------------------------------------------------------
-- task_series
------------------------------------------------------------------------------------------------------

create policy "Members see the series their grants allow"
  on public.task_series for select to authenticated
  using (
    circle_id = any ((select private.my_circle_ids())::uuid[])
    and private.consent_allows((select private.viewer_scope(auth.uid())), circle_id, category, audience)
  );

------------------------------------------------------------------------------------------------------
-- task_thanks (written by complete_task only)
------------------------------------------------------------------------------------------------------

-- The subquery on tasks runs under the tasks policy: nobody reads a note about a task they cannot
-- see. Of those who can see it, the note is for the helpers who claimed it, the owner and the
-- coordinators holding its category.
create policy "Helpers, the owner and coordinators read the thank-you note of a task they can see"
  on public.task_thanks for select to authenticated
  using (
    circle_id = any ((select private.my_circle_ids())::uuid[])
    and exists (select 1 from public.tasks t where t.id = task_thanks.task_id)
    and (
      exists (select 1 from public.task_claims c
               where c.task_id = task_thanks.task_id and c.member_id = any ((select private.my_member_ids())::uuid[]))
      or exists (select 1 from public.tasks t
                  where t.id = task_thanks.task_id
                    and private.can_manage_item((select private.viewer_scope(auth.uid())), t.circle_id, t.category))
    )
  );

------------------------------------------------------------------------------------------------------
-- task_offers
------------------------------------------------------------------------------------------------------

-- The member who offered sees their own offers; the owner and the coordinators holding the offer's
-- category see the circle's offers, to answer them.
create policy "Members see their own offers"
  on public.task_offers for select to authenticated
  using (member_id = any ((select private.my_member_ids())::uuid[]));

create policy "Owners and coordinators see the offers they may answer"
  on public.task_offers for select to authenticated
  using (
    circle_id = any ((select private.my_circle_ids())::uuid[])
    and private.can_manage_item((select private.viewer_scope(auth.uid())), circle_id, category)
  );

------------------------------------------------------------------------------------------------------
-- calendar_feeds (the token hash column is not granted)
------------------------------------------------------------------------------------------------------

create policy "Members see whether they have a calendar feed"
  on public.calendar_feeds for select to authenticated
  using (member_id = any ((select private.my_member_ids())::uuid[]));
