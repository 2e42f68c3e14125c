/*
 * fortran.c - libbenchfs-run.so: the Fortran entry points that bypass PMPI_Comm_f2c.
 *
 * Open MPI's Fortran bindings call PMPI_* with PMPI_Comm_f2c(handle), which core.c maps
 * (handle 0 -> client communicator), so nearly everything works unchanged. The exception is
 * attribute lookup: MPI_COMM_GET_ATTR / MPI_ATTR_GET read the communicator's key hash directly
 * (ompi_attr_get_aint/fint), so the PMPI_Comm_get_attr hook never sees them, and predefined
 * attributes exist on the real MPI_COMM_WORLD only. Interpose every name the binding exports.
 */
#include <dlfcn.h>
#include <stdlib.h>

#include "run/run.h"

typedef void aint_fn(MPI_Fint *, MPI_Fint *, MPI_Aint *, int *, MPI_Fint *);
typedef void fint_fn(MPI_Fint *, MPI_Fint *, MPI_Fint *, int *, MPI_Fint *);

/* predefined attribute of the world asked from Fortran: answer from the real world */
static int world_attr(MPI_Fint *comm, MPI_Fint *keyval, MPI_Aint *val, int *flag, MPI_Fint *ierr)
{
	int *p, f, rc;

	if (!bfsr_predefined(*keyval) || !bfsr_world_like(PMPI_Comm_f2c(*comm)))
		return 0;
	rc = PMPI_Comm_get_attr(MPI_COMM_WORLD, *keyval, &p, &f);
	*flag = f ? 1 : 0; /* gfortran .true. */
	if (f)
		*val = *p;
	if (ierr)
		*ierr = rc;
	return 1;
}

static void comm_get_attr(MPI_Fint *comm, MPI_Fint *keyval, MPI_Aint *val, int *flag,
                          MPI_Fint *ierr)
{
	static aint_fn *real;
	if (world_attr(comm, keyval, val, flag, ierr))
		return;
	if (!real && !(real = (aint_fn *)dlsym(RTLD_NEXT, "ompi_comm_get_attr_f")))
		abort();
	real(comm, keyval, val, flag, ierr);
}

static void attr_get(MPI_Fint *comm, MPI_Fint *keyval, MPI_Fint *val, int *flag, MPI_Fint *ierr)
{
	static fint_fn *real;
	MPI_Aint v = 0;
	if (world_attr(comm, keyval, &v, flag, ierr)) {
		if (*flag)
			*val = (MPI_Fint)v;
		return;
	}
	if (!real && !(real = (fint_fn *)dlsym(RTLD_NEXT, "ompi_attr_get_f")))
		abort();
	real(comm, keyval, val, flag, ierr);
}

#define ALIAS(name, target)                                                                        \
	void name(MPI_Fint *, MPI_Fint *, void *, int *, MPI_Fint *) __attribute__((alias(#target)))
#define NAMES(lo, up, target)                                                                      \
	ALIAS(mpi_##lo, target);                                                                   \
	ALIAS(mpi_##lo##_, target);                                                                \
	ALIAS(mpi_##lo##__, target);                                                               \
	ALIAS(pmpi_##lo, target);                                                                  \
	ALIAS(pmpi_##lo##_, target);                                                               \
	ALIAS(pmpi_##lo##__, target);                                                              \
	ALIAS(MPI_##up, target);                                                                   \
	ALIAS(PMPI_##up, target);                                                                  \
	ALIAS(ompi_##lo##_f, target)

NAMES(comm_get_attr, COMM_GET_ATTR, comm_get_attr);
NAMES(attr_get, ATTR_GET, attr_get);
