import { changeOwnPassword } from "../auth/users/change-password";
import { createUser } from "../auth/users/create-user";
import { listUsers } from "../auth/users/list-users";
import { resetUserPassword } from "../auth/users/reset-password";
import { setUserActive } from "../auth/users/set-user-active";
import { setUserRole } from "../auth/users/set-user-role";
import { changePasswordInput, createUserInput, resetPasswordInput, setUserActiveInput, setUserRoleInput } from "../auth/schemas";
import { verbCtx } from "../trpc/context";
import { adminProcedure, router, viewerProcedure } from "../trpc/init";

// Inputs are declared for the client's types and parsed again inside the verb, the one path for every caller.
export const usersRouter = router({
  list: adminProcedure.query(({ ctx }) => listUsers(ctx.db)),
  create: adminProcedure.input(createUserInput).mutation(({ ctx, input }) => createUser({ ctx: verbCtx(ctx), input })),
  setRole: adminProcedure.input(setUserRoleInput).mutation(({ ctx, input }) => setUserRole({ ctx: verbCtx(ctx), input })),
  setActive: adminProcedure.input(setUserActiveInput).mutation(({ ctx, input }) => setUserActive({ ctx: verbCtx(ctx), input })),
  resetPassword: adminProcedure.input(resetPasswordInput).mutation(({ ctx, input }) => resetUserPassword({ ctx: verbCtx(ctx), input })),
  changeOwnPassword: viewerProcedure.input(changePasswordInput).mutation(({ ctx, input }) => changeOwnPassword({ ctx: verbCtx(ctx), input })),
});
