! run_fortran08 - the same checks as run_fortran.f90 through the `mpi_f08` module (handles are
! derived types, ierror optional), for tests/run_fortran.sh.
program run_fortran08
  use mpi_f08
  implicit none
  integer :: size, rank, total, cmp, hrank, hsize, nlen, r, i, ok, allok
  integer :: mine(8), back(8)
  type(MPI_Comm) :: dup, half
  type(MPI_File) :: fh
  integer(kind=MPI_ADDRESS_KIND) :: tagub
  integer(kind=MPI_OFFSET_KIND) :: off, fsize
  integer :: ierr
  logical :: flag
  character(len=MPI_MAX_OBJECT_NAME) :: name
  character(len=1024) :: path

  call MPI_Init()
  call MPI_Comm_size(MPI_COMM_WORLD, size)
  call MPI_Comm_rank(MPI_COMM_WORLD, rank)
  call MPI_Comm_get_name(MPI_COMM_WORLD, name, nlen)
  call MPI_Allreduce(rank, total, 1, MPI_INTEGER, MPI_SUM, MPI_COMM_WORLD)
  call MPI_Comm_dup(MPI_COMM_WORLD, dup)
  call MPI_Comm_compare(MPI_COMM_WORLD, dup, cmp)
  call MPI_Comm_split(MPI_COMM_WORLD, mod(rank, 2), rank, half)
  call MPI_Comm_rank(half, hrank)
  call MPI_Comm_size(half, hsize)
  call MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, tagub, flag)

  allok = -1
  if (command_argument_count() >= 1) then
    call get_command_argument(1, path)
    do i = 1, 8
      mine(i) = rank * 1000 + i
    end do
    call MPI_File_open(MPI_COMM_WORLD, trim(path), MPI_MODE_CREATE + MPI_MODE_RDWR, &
                       MPI_INFO_NULL, fh, ierr)
    ok = 0
    if (ierr == MPI_SUCCESS) then
      off = int(rank, MPI_OFFSET_KIND) * 32
      call MPI_File_write_at_all(fh, off, mine, 8, MPI_INTEGER, MPI_STATUS_IGNORE)
      call MPI_File_sync(fh)
      call MPI_Barrier(MPI_COMM_WORLD)
      off = int(mod(rank + 1, size), MPI_OFFSET_KIND) * 32
      call MPI_File_read_at_all(fh, off, back, 8, MPI_INTEGER, MPI_STATUS_IGNORE)
      call MPI_File_get_size(fh, fsize)
      call MPI_File_close(fh)
      ok = 1
      do i = 1, 8
        if (back(i) /= mod(rank + 1, size) * 1000 + i) ok = 0
      end do
      if (fsize /= int(size, MPI_OFFSET_KIND) * 32) ok = 0
    end if
    call MPI_Allreduce(ok, allok, 1, MPI_INTEGER, MPI_MIN, MPI_COMM_WORLD)
  end if

  do r = 0, size - 1
    if (r == rank) then
      write (*, '(A,I0,A,I0,A,A,A,I0,A,L1,A,I0,A,I0,A,L1,A,I0)') 'f08 rank ', rank, '/', size, &
        ' name=', name(1:nlen), ' sum=', total, ' congruent=', cmp == MPI_CONGRUENT, &
        ' half=', hrank, '/', hsize, ' tag_ub=', flag, ' mpiio=', allok
      flush (6)
    end if
    call MPI_Barrier(MPI_COMM_WORLD)
  end do
  call MPI_Comm_free(dup)
  call MPI_Comm_free(half)
  call MPI_Finalize()
end program run_fortran08
