/** Fields of Parse's user JSON that are bookkeeping (or access rules), not user fields. */
export const parseBookkeeping = ['objectId', 'className', '__type', 'ACL'];
