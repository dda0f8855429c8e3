package dev.credits.jdbc.bench;

import dev.credits.spi.AccountTransaction;
import dev.credits.spi.AccountWork;
import dev.credits.spi.ChangeSet;
import dev.credits.spi.CreditStore;
import dev.credits.spi.MultiAccountWork;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;

/**
 * A store that drops the usage rows of every change set and passes everything else through: the baseline of the
 * reports benchmark's "what the usage rows add to a deduction" (benchmark only; reports on it are wrong). A dynamic
 * proxy, so that methods added to the store SPI pass through without a change here.
 */
final class WithoutUsageRows {

    private WithoutUsageRows() {
    }

    /** @return {@code store}, writing no usage rows */
    static CreditStore of(CreditStore store) {
        return proxy(CreditStore.class, store, (method, args) -> {
            if (method.getName().equals("inAccount") && args.length == 2 && args[1] instanceof AccountWork<?> work) {
                return store.inAccount((String) args[0], tx -> work.run(stripping(tx)));
            }
            if (method.getName().equals("inAccounts") && args[1] instanceof MultiAccountWork<?> work) {
                @SuppressWarnings("unchecked")
                List<String> ids = (List<String>) args[0];
                return store.inAccounts(ids, txs -> work.run(txs.stream().map(WithoutUsageRows::stripping).toList()));
            }
            return method.invoke(store, args);
        });
    }

    private static AccountTransaction stripping(AccountTransaction tx) {
        return proxy(AccountTransaction.class, tx, (method, args) -> {
            if (method.getName().equals("write") && args.length == 1 && args[0] instanceof ChangeSet c) {
                tx.write(new ChangeSet(c.account(), c.balances(), c.insertedLots(), c.updatedLots(), c.entries(),
                        c.allocations(), c.insertedHolds(), c.updatedHolds(), c.idempotency(), c.purchases(),
                        c.promotionUses(), c.events(), c.audits(), c.disputes(), List.of(), c.orgs()));
                return null;
            }
            return method.invoke(tx, args);
        });
    }

    private interface Call {
        Object apply(Method method, Object[] args) throws Exception;
    }

    private static <T> T proxy(Class<T> type, T target, Call call) {
        InvocationHandler handler = (proxy, method, args) -> {
            try {
                return call.apply(method, args == null ? new Object[0] : args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }
}
